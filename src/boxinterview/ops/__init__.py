"""Running the appliance: backups and restores, health and alerts, logs, the data directory, the proxy, the dashboard."""
