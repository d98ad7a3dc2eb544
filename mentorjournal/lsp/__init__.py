"""`mj lsp`: a Language Server for journal files (``buffer`` is the journal side,
``server`` the only module that uses pygls)."""
