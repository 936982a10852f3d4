# Hand-written role module (not generated): a k3s agent joining vars.k3s.serverAddr.
{ lib, vars, node, ... }:
{
  imports = [ ./k3s-node.nix ];
  services.k3s = {
    enable = true;
    role = "agent";
    serverAddr = vars.k3s.serverAddr;
    # --node-ip only where the model knows the address (not on a DHCP host without a known lease)
    extraFlags = lib.optional (node.address != null) "--node-ip=${node.address}" ++ [
      "--kubelet-arg=allowed-unsafe-sysctls=net.ipv4.ip_forward"
    ];
  };
}
