export * from "./agent";
export * from "./events";
export * from "./requests";
export * from "./resources";
export * from "./responses";
export * from "./spend";
export * from "./stats";
