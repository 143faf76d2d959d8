{% include "single_flight.py" %}
