"""Views of the cadres app, thin: scope via Cadre.objects.visible_to, checks via cadres.permissions, work via
cadres.services / cadres.personal_matters / cadres.importer."""
