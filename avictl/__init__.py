"""avictl: administer Avi Vantage with Mesos/Marathon in AWS from the command line."""

__version__ = "0.1.0"
