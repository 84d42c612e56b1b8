/**
 * Builders for the routes every resource has (list, count, get, create, replace, delete, and
 * their batch forms), so each resource states only what is its own: paths, names, schemas,
 * cache tags and the examples its documentation shows. Status lists and headers come from one
 * place for every resource alike.
 */
export * from "./read-routes";
export * from "./resource-doc";
export * from "./write-routes";
