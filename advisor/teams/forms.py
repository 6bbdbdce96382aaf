from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import Role, Team

User = get_user_model()


class SignUpForm(UserCreationForm):
    email = forms.EmailField(help_text="We send a link to it; once you open it, the address is used to reset "
                                       "your password and for teammates to add you.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.email = ""  # the account's address once confirmed (advisor.teams.addresses)
        if commit:
            user.save()
        return user


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ("name",)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the team a name.")
        return name


class AddMemberForm(forms.Form):
    identifier = forms.CharField(label="Username or email address", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)

    def clean_identifier(self) -> str:
        """What no account could be named and no address could be is refused as such: saying
        so tells nothing about which accounts exist."""
        identifier = self.cleaned_data["identifier"].strip()
        for validate in (UnicodeUsernameValidator(), validate_email):
            try:
                validate(identifier)
                return identifier
            except ValidationError:
                pass
        raise ValidationError(f"“{identifier}” is neither a username (letters, digits and @ . + - _ only) "
                              "nor an e-mail address.")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
