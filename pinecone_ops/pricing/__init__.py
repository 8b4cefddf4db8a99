"""Dated price book and Pinecone's cost and capacity models (pure functions)."""
