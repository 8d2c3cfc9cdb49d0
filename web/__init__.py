"""The web face: candidate pages, reviewer workspace and the JSON API, served by aiohttp.

Imported as `boxinterview.web`; build the application with `boxinterview.web.app.init_app(settings)`.
"""
