"""Test settings shared by every suite: fast password hashing, no real SMS, a clean scope cache."""

import pytest


def pytest_configure(config):
    # A shared world's tests on one xdist worker under --dist loadgroup (gongzhi.testing.scheduling).
    if config.pluginmanager.hasplugin("xdist"):
        from gongzhi.testing.scheduling import SharedWorldScheduler

        config.pluginmanager.register(SharedWorldScheduler(), "gongzhi-shared-world-scheduler")


def pytest_collection_modifyitems(config, items):
    # The small district is built once per test module, not once per test (gongzhi.testing.worlds).
    from gongzhi.testing.worlds import share_the_district

    items[:] = share_the_district(items)
    # The data migrations' rows, put back where a test finds them gone (gongzhi.testing.reference):
    # first among the fixtures, before the test's own transaction.
    for item in items:
        if hasattr(item, "fixturenames"):
            item.fixturenames.insert(0, "_reference_data")


@pytest.fixture
def _reference_data(request, django_db_blocker):
    from gongzhi.testing.reference import put_back_if_missing

    if request.node.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    ):
        request.getfixturevalue("django_db_setup")  # the test database, before the first test uses it
        with django_db_blocker.unblock():
            put_back_if_missing()


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    # MD5 password hashing, captured SMS, uploads in the test's own folder (gongzhi.testing.worlds).
    from gongzhi.testing.worlds import per_test_settings

    for name, value in per_test_settings(tmp_path / "media").items():
        setattr(settings, name, value)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request, tmp_path_factory):
    """pytest-django's, plus: on PostgreSQL each xdist worker's test database is a copy of one migrated
    template instead of a migration of its own (gongzhi.testing.databases)."""
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if not worker:
        yield
        return
    from gongzhi.testing.databases import postgres_template_for_workers

    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        cleanup = postgres_template_for_workers(worker, tmp_path_factory.getbasetemp().parent)
    yield
    if cleanup is not None:
        with blocker.unblock():
            cleanup()
