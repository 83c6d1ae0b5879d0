"""Forms of the follow-up staff pages: the survey builder and the win-back list filters."""

from django import forms

from core.forms import DateInput
from followups.models import WinBack
from followups.surveys import MAX_QUESTIONS, MIN_QUESTIONS, QuestionIn


class SurveyForm(forms.Form):
    """A name and 3–5 questions (each scored 1–10), each optionally with a free-text comment."""

    name = forms.CharField(label="调查名称", max_length=100, error_messages={"required": "请填写名称"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, MAX_QUESTIONS + 1):
            self.fields[f"q{i}"] = forms.CharField(
                label=f"问题 {i}",
                required=False,
                max_length=200,
                help_text="1–10 分" if i <= MIN_QUESTIONS else "可选，1–10 分",
                error_messages={"max_length": "问题不能超过 200 个字"},
            )
            self.fields[f"c{i}"] = forms.BooleanField(label=f"问题 {i} 允许填写意见", required=False)

    def clean(self):
        cleaned = super().clean()
        filled = [i for i in range(1, MAX_QUESTIONS + 1) if (cleaned.get(f"q{i}") or "").strip()]
        if len(filled) < MIN_QUESTIONS:
            for i in range(1, MIN_QUESTIONS + 1):
                if i not in filled and f"q{i}" not in self.errors:
                    self.add_error(f"q{i}", f"请填写问题（调查须有 {MIN_QUESTIONS}–{MAX_QUESTIONS} 个问题）")
        for i in range(1, MAX_QUESTIONS + 1):
            if cleaned.get(f"c{i}") and i not in filled and f"q{i}" not in self.errors:
                self.add_error(f"q{i}", "勾选了允许填写意见，请填写问题")
        return cleaned

    def questions(self) -> list[QuestionIn]:
        data = self.cleaned_data
        return [
            QuestionIn(text=data[f"q{i}"].strip(), allows_comment=bool(data.get(f"c{i}")))
            for i in range(1, MAX_QUESTIONS + 1)
            if (data.get(f"q{i}") or "").strip()
        ]


class WinBackFilterForm(forms.Form):
    reason = forms.ChoiceField(label="原因", required=False, choices=[("", "全部原因"), *WinBack.Reason.choices])
    since = forms.DateField(label="标记日期自", required=False, widget=DateInput, error_messages={"invalid": "日期格式不正确"})
    until = forms.DateField(label="至", required=False, widget=DateInput, error_messages={"invalid": "日期格式不正确"})

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "结束日期不能早于开始日期")
        return cleaned
