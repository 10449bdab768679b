"""Questions (Open311 attributes) for a few default categories, so that connected systems see a service
definition with each kind of attribute: 路灯 asks the pole number, 噪音扰民 when (one choice),
暴露垃圾 what kind of garbage (several choices). The district admin edits them with the categories."""

from django.db import migrations

QUESTIONS = {
    "101018": [
        {
            "code": "pole_number",
            "label": "灯杆编号（灯杆上喷涂的编号，看不清可不填）",
            "datatype": "string",
            "required": False,
        }
    ],
    "205015": [
        {
            "code": "period",
            "label": "噪音通常出现在什么时段",
            "datatype": "singlevaluelist",
            "required": True,
            "values": [
                {"key": "morning", "name": "早晨（6—8时）"},
                {"key": "day", "name": "白天（8—18时）"},
                {"key": "evening", "name": "傍晚（18—22时）"},
                {"key": "night", "name": "夜间（22时—次日6时）"},
            ],
        }
    ],
    "201001": [
        {
            "code": "garbage_type",
            "label": "垃圾类型（可多选）",
            "datatype": "multivaluelist",
            "required": False,
            "values": [
                {"key": "household", "name": "生活垃圾"},
                {"key": "construction", "name": "建筑垃圾"},
                {"key": "bulky", "name": "大件垃圾"},
                {"key": "green", "name": "绿化垃圾"},
            ],
        },
        {
            "code": "volume",
            "label": "大约多少立方米",
            "datatype": "number",
            "required": False,
        },
    ],
}


def add_questions(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    db = schema_editor.connection.alias  # the database being migrated (move_database migrates another)
    for code, questions in QUESTIONS.items():
        Category.objects.using(db).filter(code=code, questions=[]).update(questions=questions)


def remove_questions(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    db = schema_editor.connection.alias
    for code, questions in QUESTIONS.items():
        Category.objects.using(db).filter(code=code, questions=questions).update(questions=[])


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0001_initial"),
        ("tickets", "0002_default_taxonomy_and_search_index"),
    ]

    operations = [migrations.RunPython(add_questions, remove_questions)]
