"""The staff console: its own login gate, layout and role checks (SecureDrop's journalist app)."""
