import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;
type Serializer = ReturnType<ReturnType<SerializerFactory>>;

/**
 * Fastify's own response serializers (fast-json-stringify), each built when its
 * route first answers with that status instead of when the route is registered:
 * building all of them (every route, every status, and each GET's HEAD twin) was
 * a large part of the time to the first answer, for routes most processes never
 * call. Each is built exactly as Fastify builds it, from the same shared schemas
 * (those given to `addSchema` before the route), so every answer is the same;
 * each from its own copy of the options, so which route answers first changes
 * nothing.
 */
export function lazySerializers(): SerializerFactory {
  const build = SerializerSelector();
  return (externalSchemas, options) => (route) => {
    let serialize: Serializer | undefined;
    return (doc) => {
      serialize ??= build(externalSchemas, options)(route);
      return serialize(doc);
    };
  };
}
