"""Streamlit-only helpers shared by the pages: URL-backed widgets and cached gdcore calls."""
