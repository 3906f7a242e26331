/* ibb-manager.h — XEP-0047 In-Band Bytestreams on one JaXmppStream: owns
 * the IQ handlers for <open/>, <data/> and <close/> and routes each to its
 * JaIbbSession by (peer full JID, sid). A responder accepts only the sids
 * it was told to expect, from the expected peer; any other <open/> is
 * refused with not-acceptable, and <data/>/<close/> for an unknown session
 * get item-not-found (XEP-0047 §2). */
#pragma once

#include <gio/gio.h>
#include "plugins/ibb/ibb-session.h"
#include "signalling/xmpp/xmpp-stream.h"

G_BEGIN_DECLS

#define JA_TYPE_IBB_MANAGER (ja_ibb_manager_get_type ())
G_DECLARE_FINAL_TYPE (JaIbbManager, ja_ibb_manager, JA, IBB_MANAGER, GObject)

/* Registers the handlers and advertises JA_NS_IBB. One per stream. */
JaIbbManager *ja_ibb_manager_new (JaXmppStream *stream);
JaXmppStream *ja_ibb_manager_get_stream (JaIbbManager *self);

/* The window given to new sessions (default JA_IBB_DEFAULT_WINDOW). */
void ja_ibb_manager_set_window (JaIbbManager *self, guint window);
/* The receive limit given to new sessions (JA_IBB_DEFAULT_RECEIVE_BUFFER). */
void ja_ibb_manager_set_receive_buffer (JaIbbManager *self, gsize bytes);

/* Initiator: sends <open/> to peer (a full JID) and completes with the
 * session once the peer accepts, or with the peer's error in
 * JA_XMPP_ERROR (e.g. resource-constraint: try a smaller block-size). */
void ja_ibb_manager_open_async (JaIbbManager *self, const char *peer,
    const char *sid, guint16 block_size, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
JaIbbSession *ja_ibb_manager_open_finish (JaIbbManager *self,
    GAsyncResult *res, GError **error);   /* (transfer full) */

/* Responder: expect an <open/> for sid from peer (a full JID) with a
 * block-size of at most max_block_size; completes with the session when it
 * arrives. Cancel to stop expecting it. */
void ja_ibb_manager_accept_async (JaIbbManager *self, const char *peer,
    const char *sid, guint16 max_block_size, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
JaIbbSession *ja_ibb_manager_accept_finish (JaIbbManager *self,
    GAsyncResult *res, GError **error);   /* (transfer full) */

G_END_DECLS
