from django import forms

from analyzer import MAX_TEMPLATE_BYTES


class TemplateForm(forms.Form):
    """Pasted text or an uploaded file; the analyzer judges the content."""

    template = forms.CharField(
        required=False, strip=False, max_length=MAX_TEMPLATE_BYTES, label="Template",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "template-text",
                                     "placeholder": "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n  ..."}),
        error_messages={"max_length": f"Too large: the template is over {MAX_TEMPLATE_BYTES // 1024:,} KB, "
                                      "more than CloudFormation accepts."},
    )
    upload = forms.FileField(required=False, label="Or upload a file")

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("upload") and not (data.get("template") or "").strip():
            raise forms.ValidationError("Paste a template or choose a file to upload.")
        return data
