from django.core.checks import run_checks


def test_deploy_check_requires_a_data_key(settings):
    settings.GONGZHI_DATA_KEY = ""
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "gongzhi.E001" in ids
    settings.GONGZHI_DATA_KEY = "k" * 40
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "gongzhi.E001" not in ids


def test_a_mistyped_rate_limit_is_a_check_error(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": "twenty"}
    errors = [m for m in run_checks() if m.id == "gongzhi.E002"]
    assert len(errors) == 1 and "login_ip" in errors[0].msg
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": "off"}
    assert not [m for m in run_checks() if m.id == "gongzhi.E002"]
