"""Settings modules: base (shared), dev (default), test (pytest) and prod."""
