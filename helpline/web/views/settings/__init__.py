"""Account settings screens, one module per section; every section checks its own permission."""
