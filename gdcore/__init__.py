"""gdcore: exact numpy gradient descent."""
