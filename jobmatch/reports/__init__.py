"""The bureau's reports: JSON for the dashboard, xlsx for the spreadsheets it already keeps."""
