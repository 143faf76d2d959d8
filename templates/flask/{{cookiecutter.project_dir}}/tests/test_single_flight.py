{% include "test_single_flight.py" %}
