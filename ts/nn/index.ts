/** `nx.nn`: the module classes and the losses, as in `torch.nn`. */
export * from "../losses/index";
