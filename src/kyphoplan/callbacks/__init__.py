"""Call-back requests: the public form, and the queue schedulers work."""
