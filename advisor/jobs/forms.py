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
    api = forms.ChoiceField(
        label="API", choices=[("http", "HTTP API"), ("rest", "REST API")], initial=generator.API_TYPES[0],
        required=False,  # left out by clients that predate it: an HTTP API
        help_text="HTTP APIs cost less and add less latency; REST APIs add usage plans, API keys, "
                  "request validation and AWS WAF. Used when the architecture has an API.")
