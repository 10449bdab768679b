"""Fixtures for the Open311 tests. The default categories and their questions a transactional test flushed
are put back by the root conftest (gongzhi.testing.reference)."""
