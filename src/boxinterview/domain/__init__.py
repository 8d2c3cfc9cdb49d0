"""The domain: what an interview, a candidate's invitation, an answer and a review are, and the rules between
them. Services here call the store; they know nothing of HTTP or of the terminal."""
