# Rule.pattern is checked against the pattern registry instead of fixed choices.

import patterns.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patterns', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='rule',
            name='pattern',
            field=models.CharField(blank=True, help_text='Score rules: the pattern scored (a pattern slug). Others: apply only when it is listed.', max_length=63, validators=[patterns.models.validate_pattern_slug]),
        ),
    ]
