/* ft-transfer.h — one XEP-0234 file transfer (one Jingle content) as a
 * GObject the agent and the CLI listen to. The file-transfer application
 * kind (ft-app.h) creates it for each content; the agent gets it with
 * ja_ft_app_get_transfer(). It outlives its content: the session's end is
 * its final word.
 *
 * Signals:
 *   "accepted": the peer accepted our offer (sender) or we accepted it.
 *   "progress" (guint64 bytes, guint64 total): bytes of the file so far
 *       (a resumed transfer starts at its offset, ja_ft_transfer_get_resumed_from).
 *   "verified" (const char *path): receiver: the file arrived, its hash
 *       matched, it is at path; sender: the receiver confirmed (success).
 *   "failed" (GError*): the transfer ended without the file; JA_TRANSFER_ERROR
 *       (DECLINED, HASH_MISMATCH, ...), G_IO_ERROR (CANCELLED, ...).
 * Exactly one of "verified" / "failed" is emitted, once. */
#pragma once

#include <glib-object.h>

#include "plugins/file-transfer/ft-description.h"
#include "signalling/jingle/jingle-session.h"

G_BEGIN_DECLS

/* Receiver: how long to wait for a <checksum/> after the last byte when the
 * offer carried no hash value (XEP-0234 §Checksum). */
#define JA_FT_CHECKSUM_TIMEOUT_MS (15 * 1000)
/* Sender: how long to wait for the receiver's verdict after the last byte. */
#define JA_FT_VERDICT_TIMEOUT_MS (60 * 1000)
/* Receiver: how long the bytestream may stay silent before the transfer
 * fails (the sender stalled without closing); sender over a socket: how
 * long the receiver may stop reading. Another file of the same session
 * moving counts as activity. */
#define JA_FT_IDLE_TIMEOUT_MS (60 * 1000)
/* Receiver: a transfer silent this long may be taken over by a new offer
 * of the same file from the same account (ja_ft_transfer_find_resume). */
#define JA_FT_STALLED_MS 2000
/* Bytes per read from the file or the channel. */
#define JA_FT_CHUNK_SIZE (128 * 1024)

/* What a local caller offers (JaJingleAppOptions.params); borrowed. */
typedef struct {
  const char *path;          /* the file to send */
  const char *name;          /* offered name; NULL: basename of path */
  guint64 size;
  GDateTime *date;           /* nullable */
  const char *media_type;    /* nullable */
  const char *desc;          /* nullable */
  const JaFtHashList *hashes; /* nullable: precomputed (ft-hash) */
} JaFtOffer;

/* What a local caller requests (XEP-0234 §Requesting a File: a "file
 * selector", the name and/or hashes of a file the peer holds), passed as
 * JaJingleAppOptions.params with senders set to the peer's role; borrowed.
 * At least a name or one hash value. */
typedef struct {
  const char *name;          /* nullable */
  const JaFtHashList *hashes; /* nullable */
} JaFtRequest;

#define JA_TYPE_FT_TRANSFER (ja_ft_transfer_get_type ())
G_DECLARE_FINAL_TYPE (JaFtTransfer, ja_ft_transfer, JA, FT_TRANSFER, GObject)

gboolean ja_ft_transfer_is_sender (JaFtTransfer *self);
/* The content is a File Request (the receiver asked for the file), on
 * either side. */
gboolean ja_ft_transfer_is_request (JaFtTransfer *self);
/* The offer: the name as offered (unsanitised on the receiver). For a
 * request: the selector until the holder answers (requester) or serves
 * (holder), then the file. */
const JaFtFile *ja_ft_transfer_get_file (JaFtTransfer *self);
/* The session (transfer none), NULL once it is gone. */
JaJingleSession *ja_ft_transfer_get_session (JaFtTransfer *self);
/* Holder of a request: the file that answers it, set before accepting
 * (the session-accept describes it). Without one the transfer fails. */
void ja_ft_transfer_serve (JaFtTransfer *self, const JaFtOffer *offer);
/* Receiver: the directory to write into; set before accepting (or before
 * session-initiate, for a request). */
void ja_ft_transfer_set_download_dir (JaFtTransfer *self, const char *dir);
/* Receiver of an offer, after ja_ft_transfer_set_download_dir and before
 * accepting: when DIR holds NAME.part of an earlier, unfinished transfer of
 * the same file (its sidecar ".NAME.part.offer" gives the same size, and
 * the same hash or date where the offer gives them) and no live transfer
 * uses it, the session-accept asks for the rest with <range offset/>
 * (XEP-0234 §Ranged Transfers) and the part is continued; the whole file's
 * hash is still checked. A part held by a transfer from the same account
 * that has been silent for JA_FT_STALLED_MS is taken over: that session
 * ends (connectivity-error) first. TRUE when resuming. */
gboolean ja_ft_transfer_find_resume (JaFtTransfer *self);
/* Where the bytes on the wire start in the file: the receiver's range
 * offset (0: the whole file). get_bytes counts from the start of the file,
 * so get_bytes - get_resumed_from bytes crossed the wire. */
guint64 ja_ft_transfer_get_resumed_from (JaFtTransfer *self);
/* Sender: the source path; receiver: the final path once verified. */
const char *ja_ft_transfer_get_path (JaFtTransfer *self);
guint64 ja_ft_transfer_get_bytes (JaFtTransfer *self);
/* Seconds from the transport being up to the end (or now). */
double ja_ft_transfer_get_seconds (JaFtTransfer *self);
/* The verified SHA-256 in hex, or NULL (transfer none). */
const char *ja_ft_transfer_get_sha256_hex (JaFtTransfer *self);
/* The transport namespace that carried the bytes, or NULL. */
const char *ja_ft_transfer_get_transport_ns (JaFtTransfer *self);
/* The content (transfer none), NULL once it is gone. */
JaJingleContent *ja_ft_transfer_get_content (JaFtTransfer *self);

/* Sender of several files in one session: at most limit of them send at
 * once (0: no limit, the default); the others keep their bytestream up and
 * wait for a free slot, in order. A receiver's file that waits is not idle
 * while another file of the session moves. */
void ja_ft_transfer_set_parallel (JaJingleSession *session, guint limit);

/* ---- the application kind's side (ft-app.c) ----------------------------- */

/* (transfer full) */
JaFtTransfer *ja_ft_transfer_new_sender (JaJingleContent *c,
    const JaFtOffer *offer, GError **error);
/* file (transfer full) */
JaFtTransfer *ja_ft_transfer_new_receiver (JaJingleContent *c,
    JaFtFile *file);
/* We request a file: a receiver. (transfer full) */
JaFtTransfer *ja_ft_transfer_new_requester (JaJingleContent *c,
    const JaFtRequest *request, GError **error);
/* The peer requests a file from us: a sender without a file until
 * ja_ft_transfer_serve. selector (transfer full) */
JaFtTransfer *ja_ft_transfer_new_requested (JaJingleContent *c,
    JaFtFile *selector);
/* Requester: the holder's description in session-accept / content-accept
 * (name, size, hashes of what it will send). A hash we asked for stays the
 * one checked. */
gboolean ja_ft_transfer_take_answer (JaFtTransfer *self,
    const JaXmlNode *description, GError **error);
JaXmlNode *ja_ft_transfer_build_description (JaFtTransfer *self);
void ja_ft_transfer_start (JaFtTransfer *self, JaJingleChannel *channel);
void ja_ft_transfer_stop (JaFtTransfer *self, JaJingleReason reason);
gboolean ja_ft_transfer_handle_session_info (JaFtTransfer *self,
    const JaXmlNode *payload, GError **error);
/* The content is being freed: forget it. */
void ja_ft_transfer_detach (JaFtTransfer *self);

G_END_DECLS
