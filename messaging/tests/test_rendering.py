"""Templates (DOMAIN §4): documented variables only, store template before the group default, the
store's 【signature】 first and "回T退订" last on marketing texts, service and marketing apart."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from conftest import make_user
from core.errors import Forbidden, InvalidInput
from messaging.admin import MessageTemplateForm
from messaging.models import MessageTemplate
from messaging.rendering import RenderError, render_message
from messaging.selectors import template_resolve
from messaging.services import template_save
from messaging.tests.conftest import grant, queue


@pytest.fixture
def manager_a(group, store_a):
    return make_user("manager_a", Role.STORE_MANAGER, group, [store_a])


def rendered(message, template=None, recipient="+8613812341234"):
    template = template or template_resolve(store_id=message.store_id, code=message.template_code, channel=message.channel)
    return render_message(message, template=template, recipient=recipient)


def test_it_renders_a_service_sms_with_the_signature_first_and_no_opt_out_line(templates, customer_a):
    message = rendered(queue(customer_a, "r1"))
    assert message.text == "【华南汽车】尊敬的张三，您的爱车粤BD12345将于2026年12月1日到保养时间，预约电话020-88886666。"
    assert message.variables == {
        "name": "张三",
        "plate": "粤BD12345",
        "due_date": "2026年12月1日",
        "store_phone": "020-88886666",
    }


def test_it_ends_a_marketing_sms_with_the_opt_out_line(templates, customer_a, advisor_alice):
    grant(advisor_alice, customer_a, "marketing_sms")
    message = rendered(queue(customer_a, "m1", purpose="marketing"))
    assert message.text == "【华南汽车】张三您好，A店冬季免费检测进行中。回T退订"
    assert message.opt_out_line == "回T退订"


def test_a_marketing_email_ends_with_the_opt_out_line_but_has_no_signature(templates, customer_a):
    message = queue(customer_a, "m2", purpose="marketing", channel="email")
    assert rendered(message, recipient="a@example.com").text == "张三您好，A店冬季免费检测进行中。回T退订"


def test_the_store_template_wins_over_the_group_default(templates, store_a, store_b):
    own = MessageTemplate.objects.create(
        store=store_a, code="service_due", channel="sms", purpose="service", name="本店", body="{name}，{plate}该保养了"
    )
    assert template_resolve(store_id=store_a.id, code="service_due", channel="sms") == own
    assert template_resolve(store_id=store_b.id, code="service_due", channel="sms") == templates["service", "sms"]


def test_a_marketing_message_cannot_use_a_service_template(templates, customer_a, advisor_alice):
    grant(advisor_alice, customer_a, "marketing_sms")
    message = queue(customer_a, "m2", purpose="marketing")
    with pytest.raises(RenderError, match="与消息用途不符"):
        rendered(message, template=templates["service", "sms"])


def test_a_store_without_sms_signature_cannot_render_sms(templates, customer_a):
    message = queue(customer_a, "r2")
    message.store.sms_signature = ""
    with pytest.raises(RenderError, match="短信签名"):
        rendered(message)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("您好{nickname}，欢迎回店", "未知变量 {nickname}"),
        ("您好{name.__class__}", "未知变量"),
        ("优惠 {name} 50% {", "花括号只能用于变量"),
        ("{name}您好，冬季检测回T退订", "由系统自动添加"),
        ("【华南汽车】{name}您好", "短信签名"),
    ],
)
def test_the_model_refuses_a_template_with_an_unknown_variable_or_handmade_footer(body, fragment):
    template = MessageTemplate(code="x", channel="sms", purpose="marketing", name="x", body=body)
    with pytest.raises(ValidationError) as error:
        template.clean()
    assert fragment in "".join(error.value.message_dict["body"])


def test_the_service_refuses_an_unknown_variable_with_the_known_ones_listed(manager_a, store_a):
    with pytest.raises(InvalidInput) as error:
        template_save(
            user=manager_a, store_id=store_a.id, code="x", channel="sms", purpose="service", name="x", body="{name}的{car}"
        )
    assert "未知变量 {car}" in error.value.errors["body"] and "{plate} 车牌号" in error.value.errors["body"]


def test_a_manager_saves_a_store_template_but_only_the_group_admin_a_default(manager_a, group_admin, store_a):
    fields = {"code": "x", "channel": "sms", "purpose": "service", "name": "x", "body": "{name}，{plate}该保养了"}
    assert template_save(user=manager_a, store_id=store_a.id, **fields).store_id == store_a.id
    with pytest.raises(Forbidden):
        template_save(user=manager_a, store_id=None, **fields)
    assert template_save(user=group_admin, store_id=None, **fields).store_id is None


def test_an_advisor_cannot_edit_templates(advisor_alice, store_a):
    with pytest.raises(Forbidden):
        template_save(user=advisor_alice, store_id=store_a.id, code="x", channel="sms", purpose="service", name="x", body="hi")


def test_the_admin_form_shows_the_unknown_variable_error(store_a):
    data = {"code": "x", "channel": "sms", "purpose": "service", "name": "x", "body": "{name}的{car}", "store": store_a.id}
    form = MessageTemplateForm(data=data)
    assert not form.is_valid()
    assert "未知变量 {car}" in form.errors["body"][0]
