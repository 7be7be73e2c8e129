"""layout.models: what the model layer itself promises (its fields), beyond the validation tested with each form."""

from django.db import connection

from layout.models import MAX_INVESTMENT_CNY, District

JIADING = "310114"


def test_stored_json_reads_back_as_written_and_still_answers_key_lookups(layout_data):
    # Coordinates with all the digits a double holds: read back to the last one, as the standard library would.
    outline = {
        "type": "Polygon",
        "coordinates": [
            [[121.25, 31.35], [121.2612345678901, 31.35], [121.2612345678901, 31.3698765432109], [121.25, 31.35]]
        ],
    }
    District.objects.filter(adcode=JIADING).update(boundary=outline)
    assert District.objects.get(adcode=JIADING).boundary == outline
    assert District.objects.filter(adcode=JIADING, boundary__type=outline["type"]).exists()
    assert District.objects.values_list("boundary__type", flat=True).get(adcode=JIADING) == outline["type"]


def test_the_largest_integers_a_field_may_hold_read_back_exact(layout_data):
    largest = [MAX_INVESTMENT_CNY, 2**63 - 1, -(2**63)]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE layout_district SET seed_values = %s WHERE adcode = %s", [f'{{"n": {largest}}}', JIADING]
        )
    assert District.objects.get(adcode=JIADING).seed_values == {"n": largest}
