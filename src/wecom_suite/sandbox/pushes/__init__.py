"""Callbacks the sandbox sends like WeCom: the plaintext XML of each notification (``notifications``),
sealed into WeCom's encrypted envelope (``callback_sealing``) and delivered with retries (``pusher``)."""
