"""make test-cluster: the whole deployment on loopback (docs/deployment.md)."""
