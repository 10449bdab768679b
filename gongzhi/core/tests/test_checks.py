from django.core.checks import run_checks


def test_deploy_check_requires_a_data_key(settings):
    settings.GONGZHI_DATA_KEY = ""
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "gongzhi.E001" in ids
    settings.GONGZHI_DATA_KEY = "k" * 40
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "gongzhi.E001" not in ids
