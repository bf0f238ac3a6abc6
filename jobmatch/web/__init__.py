"""Server-rendered pages for residents, firms and bureau staff: Chinese first, phone first.

Pages call the same service functions as the API; no business rule lives here.
"""
