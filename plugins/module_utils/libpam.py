# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One authentication attempt through the host's libpam, with ctypes (no extra package).

The calls follow the Linux-PAM application API (pam_start(3), pam_authenticate(3),
pam_end(3)) the way the python-pam library makes them: a conversation function answers
every prompt, and the answers are allocated with the C library's ``calloc``/``strdup``
because libpam frees them. The attempt also installs a no-op PAM_FAIL_DELAY callback, so
a refused password costs no failure delay (pam_unix asks for two seconds).

This is the only impure part of the pam_stack module's helpers: it runs PAM for real.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import NamedTuple

PAM_SUCCESS = 0
PAM_BUF_ERR = 5
PAM_PROMPT_ECHO_OFF = 1
PAM_PROMPT_ECHO_ON = 2
PAM_FAIL_DELAY = 10  # pam_set_item: the application's delay function


class _PamMessage(ctypes.Structure):
    _fields_ = [("msg_style", ctypes.c_int), ("msg", ctypes.c_char_p)]


class _PamResponse(ctypes.Structure):
    # resp is freed by libpam: it must hold memory from the C library, never Python's.
    _fields_ = [("resp", ctypes.c_void_p), ("resp_retcode", ctypes.c_int)]


_CONV_FUNC = ctypes.CFUNCTYPE(
    ctypes.c_int,
    ctypes.c_int,
    ctypes.POINTER(ctypes.POINTER(_PamMessage)),
    ctypes.POINTER(ctypes.POINTER(_PamResponse)),
    ctypes.c_void_p,
)
_DELAY_FUNC = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_uint, ctypes.c_void_p)


class _PamConv(ctypes.Structure):
    _fields_ = [("conv", _CONV_FUNC), ("appdata_ptr", ctypes.c_void_p)]


class Attempt(NamedTuple):
    """What pam_authenticate returned, whether PAM asked for a password, and why."""

    code: int
    prompted: bool
    reason: str


def _libraries() -> tuple[ctypes.CDLL, ctypes.CDLL]:
    """libpam and the C library; OSError when libpam is not installed."""
    name = ctypes.util.find_library("pam") or "libpam.so.0"
    libpam = ctypes.CDLL(name)
    libc = ctypes.CDLL(None)  # the running python links the C library
    libc.calloc.restype = ctypes.c_void_p
    libc.calloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]
    libc.strdup.restype = ctypes.c_void_p
    libc.strdup.argtypes = [ctypes.c_char_p]
    libpam.pam_start.restype = ctypes.c_int
    libpam.pam_start.argtypes = [
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.POINTER(_PamConv),
        ctypes.POINTER(ctypes.c_void_p),
    ]
    libpam.pam_set_item.restype = ctypes.c_int
    libpam.pam_set_item.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    libpam.pam_authenticate.restype = ctypes.c_int
    libpam.pam_authenticate.argtypes = [ctypes.c_void_p, ctypes.c_int]
    libpam.pam_strerror.restype = ctypes.c_char_p
    libpam.pam_strerror.argtypes = [ctypes.c_void_p, ctypes.c_int]
    libpam.pam_end.restype = ctypes.c_int
    libpam.pam_end.argtypes = [ctypes.c_void_p, ctypes.c_int]
    return libpam, libc


def authenticate(service: str, user: str, password: str) -> Attempt:
    """Run ``pam_authenticate`` for ``user`` through PAM service ``service``.

    Every prompt (echo on or off) is answered with ``password``; informational and error
    messages get no answer. PAM reads /etc/pam.d/<service>, or /etc/pam.d/other when that
    file is missing. Raises OSError when libpam cannot be loaded.
    """
    libpam, libc = _libraries()
    answer = password.encode()
    prompted = []

    def converse(count, messages, responses, _appdata):
        array = libc.calloc(count, ctypes.sizeof(_PamResponse))
        if not array:
            return PAM_BUF_ERR
        replies = ctypes.cast(array, ctypes.POINTER(_PamResponse))
        for i in range(count):
            if messages[i].contents.msg_style in (PAM_PROMPT_ECHO_OFF, PAM_PROMPT_ECHO_ON):
                prompted.append(True)
                replies[i].resp = libc.strdup(answer)
        responses[0] = replies
        return PAM_SUCCESS

    conv_func = _CONV_FUNC(converse)
    no_delay = _DELAY_FUNC(lambda _status, _usec, _appdata: None)
    conversation = _PamConv(conv_func, None)
    handle = ctypes.c_void_p()
    code = libpam.pam_start(
        service.encode(), user.encode(), ctypes.byref(conversation), ctypes.byref(handle)
    )
    if code != PAM_SUCCESS:
        return Attempt(code, False, f"pam_start failed ({code})")
    try:
        libpam.pam_set_item(handle, PAM_FAIL_DELAY, ctypes.cast(no_delay, ctypes.c_void_p))
        code = libpam.pam_authenticate(handle, 0)
        reason = (libpam.pam_strerror(handle, code) or b"").decode(errors="replace")
    finally:
        libpam.pam_end(handle, code)
    return Attempt(code, bool(prompted), reason)
