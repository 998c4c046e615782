"""Outgoing messages, written in the same transaction as the change that caused them."""
