from django import forms

import generator


class GenerateForm(forms.Form):
    name = forms.CharField(
        max_length=63, required=False,
        help_text="Folder, stack and service name: lower-case letters, digits and hyphens, starting with a letter.")
    runtime = forms.ChoiceField(choices=[(r, r) for r in generator.RUNTIMES], initial=generator.RUNTIMES[0])
    architecture = forms.ChoiceField(choices=[(a, a) for a in generator.ARCHITECTURES],
                                     initial=generator.ARCHITECTURES[0],
                                     help_text="arm64 (Graviton) costs about 20% less per GB-second.")
