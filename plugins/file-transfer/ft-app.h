/* ft-app.h — the XEP-0234 Jingle File Transfer application kind
 * (urn:xmpp:jingle:apps:file-transfer:5), streaming. A local content takes
 * JaJingleAppOptions.senders (mandatory: our role for an offer, the peer's
 * for a request) and as params a JaFtOffer or a JaFtRequest; a remote one
 * parses the peer's offer or request. Each content's state and events are
 * a JaFtTransfer. */
#pragma once

#include "plugins/file-transfer/ft-transfer.h"
#include "signalling/jingle/jingle-plugin.h"

G_BEGIN_DECLS

extern const JaJingleAppKind ja_ft_app_kind;

/* The transfer of a content whose app is of ja_ft_app_kind, else NULL
 * (transfer none). */
JaFtTransfer *ja_ft_app_get_transfer (JaJingleApp *app);

G_END_DECLS
