from django.apps import AppConfig


class AnalyzerConfig(AppConfig):
    name = "advisor.analyzer"
    label = "analyzer"
