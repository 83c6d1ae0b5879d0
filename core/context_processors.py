"""The navigation shell: every domain of the brief, in the order staff meet them in a day."""

NAVIGATION = [
    ("tasks:mine", "我的任务", "tasks"),
    ("customers:list", "客户档案", "customers"),
    ("vehicles:list", "车辆档案", "vehicles"),
    ("contacts:queue", "接待队列", "contacts"),
    ("reminders:list", "提醒与关怀", "reminders"),
    ("appointments:index", "预约", "appointments"),
    ("workshop:list", "维修工单", "workshop"),
    ("followups:list", "回访与调查", "followups"),
    ("complaints:list", "投诉", "complaints"),
    ("leads:list", "售后线索", "leads"),
    ("handover:list", "交接表", "handover"),
    ("loyalty:index", "会员与推荐", "loyalty"),
    ("showroom:index", "展厅销售", "showroom"),
    ("kpis:index", "数据看板", "kpis"),
    ("privacy:queue", "个人信息请求", "privacy"),
]


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    section = (request.resolver_match.namespace or request.resolver_match.kwargs.get("slug")) if request.resolver_match else ""
    return {"nav_items": NAVIGATION, "nav_section": section}
