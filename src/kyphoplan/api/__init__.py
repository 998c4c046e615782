"""REST API /api/v1/ (django-ninja): one router module per resource."""
