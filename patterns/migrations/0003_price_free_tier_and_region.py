# Price rows gain the quantity AWS gives free each month, the bound of a price tier and the
# Region. Rows loaded before get the free quantities and tier bounds of the shipped files.

from django.db import migrations, models


def fill_from_shipped_files(apps, schema_editor):
    from patterns.catalogue import load_files

    Price = apps.get_model("patterns", "Price")
    shipped = {price.id: price for price in load_files().prices}
    for row in Price.objects.filter(id__in=list(shipped)):
        price = shipped[row.id]
        row.free = price.free or None
        row.up_to = price.up_to
        row.save(update_fields=["free", "up_to"])


class Migration(migrations.Migration):

    dependencies = [
        ('patterns', '0002_rule_pattern_from_registry'),
    ]

    operations = [
        migrations.AddField(
            model_name='price',
            name='free',
            field=models.DecimalField(blank=True, decimal_places=4, help_text='Units AWS gives free each month (deducted when the free tier is asked for); empty when nothing is free.', max_digits=20, null=True),
        ),
        migrations.AddField(
            model_name='price',
            name='region',
            field=models.CharField(blank=True, default='us-east-1', help_text='The AWS Region the price is for; empty means us-east-1.', max_length=30),
        ),
        migrations.AddField(
            model_name='price',
            name='up_to',
            field=models.DecimalField(blank=True, decimal_places=4, help_text='For one tier of a tiered price (ids ending -1, -2, ...): the monthly quantity up to which this tier applies; empty for the last tier.', max_digits=20, null=True),
        ),
        migrations.RunPython(fill_from_shipped_files, migrations.RunPython.noop),
    ]
