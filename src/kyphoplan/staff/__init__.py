"""Staff sign-in (password, lockout, TOTP), roles, and the console's shell."""
