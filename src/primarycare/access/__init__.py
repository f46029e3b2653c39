"""Who may see what: roles, users and the per-practice isolation rule. Pure, no I/O."""
