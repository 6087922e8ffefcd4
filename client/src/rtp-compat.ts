import type { types } from 'mediasoup-client';
import type { HeaderExtensionUri, RtpCapabilities, RtpParameters } from '../../signaling/protocol/index.js';

/*
 * The server's mediasoup (3.27) offers a header extension that
 * mediasoup-client (3.24) has no name for: transmission time offset, which
 * Chromium can do without (abs-send-time and transport-cc carry timing). The
 * client drops what it has no name for before handing capabilities or
 * consumer parameters to mediasoup-client, instead of casting.
 */
const SERVER_ONLY = ['urn:ietf:params:rtp-hdrext:toffset'] as const;
type ServerOnly = (typeof SERVER_ONLY)[number];
// Fails to compile if the server gains an extension the client can't name
// and SERVER_ONLY does not list it.
const exhaustive: Exclude<HeaderExtensionUri, types.RtpHeaderExtensionUri> extends ServerOnly ? true : never =
  true;
void exhaustive;

function isClientUri(uri: HeaderExtensionUri): uri is Exclude<HeaderExtensionUri, ServerOnly> {
  return !(SERVER_ONLY as readonly string[]).includes(uri);
}

export function clientCapabilities(capabilities: RtpCapabilities): types.RtpCapabilities {
  return {
    ...capabilities,
    headerExtensions: capabilities.headerExtensions?.flatMap(({ uri, ...rest }) =>
      isClientUri(uri) ? [{ ...rest, uri }] : [],
    ),
  };
}

export function clientRtpParameters(parameters: RtpParameters): types.RtpParameters {
  return {
    ...parameters,
    headerExtensions: parameters.headerExtensions?.flatMap(({ uri, ...rest }) =>
      isClientUri(uri) ? [{ ...rest, uri }] : [],
    ),
  };
}
