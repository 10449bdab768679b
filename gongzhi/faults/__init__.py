"""Fault tests (make test-faults): a worker killed, the database stopped hard, under ticket intake."""
