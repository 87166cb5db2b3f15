"""Language selection: Chinese unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, which would show English to staff
whose office PCs run an English Windows. Here the language is the one picked with the language switch
(Django's language cookie, set by the set_language view), else LANGUAGE_CODE.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override() rather than activate(): the thread's language is restored after the response,
        # so it cannot leak into whatever the thread runs next (a job, a command, another test).
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
