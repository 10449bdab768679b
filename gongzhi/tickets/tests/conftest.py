"""Fixtures for the ticket tests. The default categories a transactional test flushed are put back by the
root conftest (gongzhi.testing.reference)."""
