from django import forms

from dataio.exports import FORMATS, LISTS
from dataio.mapping import targets_for
from dataio.models import ImportKind

MAX_FILE_MB = 100


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=ImportKind.choices)
    file = forms.FileField(label="文件（.xlsx 或 CSV，UTF-8/GBK 均可）")
    store = forms.TypedChoiceField(label="导入到门店", coerce=int, required=False)

    def __init__(self, *args, stores=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].choices = [(s.id, s.name) for s in stores]
        if len(self.fields["store"].choices) <= 1:
            self.fields["store"].widget = forms.HiddenInput()


class MappingForm(forms.Form):
    """One select per target: which file column fills it."""

    def __init__(self, *args, kind: str, columns: list[str], initial_mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "（不导入）"), *((c, c) for c in columns if c)]
        for target in targets_for(kind):
            label = f"{target.label}{' *' if target.required else ''}"
            self.fields[target.key] = forms.ChoiceField(
                label=label, choices=choices, required=False, initial=initial_mapping.get(target.key, "")
            )

    def mapping(self) -> dict[str, str]:
        return {key: value for key, value in self.cleaned_data.items() if value}


class ExportForm(forms.Form):
    list = forms.ChoiceField(label="导出列表", choices=[(key, spec.label) for key, spec in LISTS.items()])
    format = forms.ChoiceField(label="格式", choices=[(f, f.upper()) for f in FORMATS], initial="xlsx")
    reveal = forms.BooleanField(label="导出完整手机号与地址（将逐条记入个人信息访问日志）", required=False)
    reason = forms.CharField(label="导出原因", max_length=200, required=False)
    day = forms.DateField(label="提醒日期（仅提醒列表）", required=False, widget=forms.DateInput(attrs={"type": "date"}))
