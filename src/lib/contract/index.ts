export * from "./agent";
export * from "./events";
export * from "./resources";
export * from "./requests";
