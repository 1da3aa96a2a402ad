"""Developer tools: serving the app for browser tests and screenshots."""
